
ByJ0lEFD¸FDlEFD:…Ãü½…Ã:…ÃlEFD¸FDlEFD:…Ãü½…Ã:…Ã