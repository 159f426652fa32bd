"""The pages about the service itself: who runs it, its accessibility statement, and what
search engines may index (robots.txt)."""
