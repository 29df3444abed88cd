"""Builders of demo, national and benchmark data, one module a domain: `partners` (systems,
places, organisations and their aliases, people, memberships), `consultation` (responses
with their answers and ratings), `structures` (committees, their members, terms of
reference) and `delegations` (matters, delegate roles, schemes and their lines).

A builder that makes one record goes through the domain's service, so the rules and the
audit trail apply exactly as they do for a person; the `*_rows` builders make unsaved rows
for `bulk_insert`, which only the national and benchmark data sets need."""
