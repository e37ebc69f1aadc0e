"""Running the students' code: each submission in its own contained process."""
