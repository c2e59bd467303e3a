"""What makes the stages fast without changing what they produce: the executor that fans work
out to processes, and the store that remembers work between builds.
"""
