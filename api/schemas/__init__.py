"""Request and answer shapes, one module per entity. Answers are built from what the domain returns."""
