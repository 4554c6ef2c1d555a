Ba_scaleJì
É;