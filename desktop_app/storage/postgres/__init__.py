"""PostgreSQL, the clinic-server engine: the same repository over psycopg 3.

See docs/clinic-server.md.
"""
