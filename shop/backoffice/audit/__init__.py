"""The audit log: who changed what, when, from where (django-auditlog's one `LogEntry` table).

- `context`: the actor and the source (admin, api, import, shell, command, task) of the current work,
  set per request by `AuditMiddleware` and by `audit_context()` elsewhere.
- `tracking`: which models and fields are logged, and the receivers that stamp every entry and log what
  signals alone would miss (stock moved with a queryset `update()`).
- `render`: the field diffs as rows for the admin pages; `admin`: the global list and each object's History.
"""
