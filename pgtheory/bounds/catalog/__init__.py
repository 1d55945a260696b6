"""One module per paper; each registers its bounds with :func:`pgtheory.bounds.register`."""
