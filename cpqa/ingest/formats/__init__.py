"""The importers, one module per format. Importing this package registers them."""
