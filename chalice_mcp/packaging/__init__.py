"""The Lambda package of any Chalice app with an MCP endpoint, after `chalice package`: SnapStart in its SAM template
and bytecode in its zip (`python -m chalice_mcp.snapstart_package PACKAGE_DIR`)."""
