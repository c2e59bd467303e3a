"""`sitegen serve`: the file watcher, the rebuild loop and the live-reload server."""
