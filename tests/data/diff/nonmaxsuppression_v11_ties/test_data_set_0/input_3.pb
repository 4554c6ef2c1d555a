BiouJ
×#<