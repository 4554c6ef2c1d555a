
ByJE¥r¤ó¨kB