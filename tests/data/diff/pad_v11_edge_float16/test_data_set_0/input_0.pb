
BxJü½…Ã:¸FDlE