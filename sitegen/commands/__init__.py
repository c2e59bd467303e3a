"""The command line and the commands on top of the build: check, new, serve, import."""
