"""Channel adapters: each turns its own updates into `Inbound` and delivers the gateway's replies."""
