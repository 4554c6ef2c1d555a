
out