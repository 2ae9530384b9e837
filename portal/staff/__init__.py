"""Staff pages: the restaurant list and page, the access rule they share."""
