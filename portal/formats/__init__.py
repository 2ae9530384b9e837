"""The portal's date and time formats (FORMAT_MODULE_PATH): 24-hour times everywhere,
the admin included, as the staff pages and the schedule grid show them."""
