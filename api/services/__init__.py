"""Application services and selectors the API needs that domain/ does not have yet. They use the
domain's rules and permissions (never a copy of them); each is a candidate to move into domain/."""
