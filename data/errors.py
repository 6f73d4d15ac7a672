"""The base of every refusal a user reads. It stands on the lowest floor because the store refuses
too (an unusable workbook, a busy reader: `data.workbook_limits`, `data.excel_cars`); the domain's
errors (`domain.errors`) derive from it, and the pages and the API catch it by that name."""


class DomainError(Exception):
    """A rule said no. The message is written for the user: what was wrong and what to do."""
