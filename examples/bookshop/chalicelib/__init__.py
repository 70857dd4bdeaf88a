"""The bookshop's own code: its books, and the MCP server with its tools, a resource and a prompt."""
