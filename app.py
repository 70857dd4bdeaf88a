"""Chalice routes, and nothing else: the fitness server's MCP endpoint is a Blueprint (`chalice_mcp`)."""

from chalice_mcp.garbage_collector import paused_while_starting

# Imported and built with the cyclic garbage collector paused: a shorter cold start (chalice_mcp/garbage_collector.py).
with paused_while_starting():
    from chalice import Chalice

    from chalicelib.service import fitness_blueprint

    # Chalice would attach its own handler to the logger named after the app, which is also the request log's logger:
    # every line would be written twice. Powertools formats the logs instead.
    app = Chalice(app_name="fitness-mcp", configure_logs=False)

    # The endpoint is built once per Lambda container (and once per `chalice local` process), at registration.
    mcp = fitness_blueprint()
    app.register_blueprint(mcp)
