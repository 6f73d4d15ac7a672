"""HTTP glue the routes share: a PUT or DELETE mapped onto the domain's services, tokens, idempotency
records, uploads, ops probes. Read selectors and rules live in domain/."""
