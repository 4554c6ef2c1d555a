
ByJm@$@iA