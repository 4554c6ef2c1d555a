
ByJÄA„DA