"""Print fresh values of MCP_OAUTH_SIGNING_KEY and MCP_OAUTH_SEALING_KEY, ready for a stage's environment:

    python -m chalice_mcp.auth.new_keys

The PEM comes on one line with `\\n` for its line breaks (as JSON and the settings read it). To rotate, move the
current values to MCP_OAUTH_PREVIOUS_SIGNING_KEY / MCP_OAUTH_PREVIOUS_SEALING_KEY and put the new ones in place.
"""

from __future__ import annotations

import json

from chalice_mcp.auth.key_material import new_sealing_key, new_signing_key_pem


def main() -> None:
    values = {"MCP_OAUTH_SIGNING_KEY": new_signing_key_pem().strip(), "MCP_OAUTH_SEALING_KEY": new_sealing_key()}
    for variable, value in values.items():
        # json.dumps writes the PEM's line breaks as `\n`, inside quotes: paste the line into config.json as it is.
        print(f"{json.dumps(variable)}: {json.dumps(value)},")


if __name__ == "__main__":
    main()
