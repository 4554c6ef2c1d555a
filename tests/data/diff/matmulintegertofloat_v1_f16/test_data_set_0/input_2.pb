
Ba_scaleJ¡%