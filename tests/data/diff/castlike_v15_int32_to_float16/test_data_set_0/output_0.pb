
ByJ PÀRPU€ÒÔ°\@Ú