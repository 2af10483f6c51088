"""One module per field family: each reads layout candidates and returns values with their evidence spans."""
