"""Everything behind `app.py`: the HTTP bridge, settings and auth, MCP registration, and the fitness domain."""
