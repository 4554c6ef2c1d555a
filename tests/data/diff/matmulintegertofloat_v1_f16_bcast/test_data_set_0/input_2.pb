
Ba_scaleJ½%e#