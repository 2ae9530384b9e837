"""The private status page a restaurant opens, and the staff actions on its links."""
