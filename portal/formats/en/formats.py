# Django's English formats, with 24-hour times ("14:30", not "2:30 p.m.").
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "N j, Y, H:i"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
