
BxJlA‚Ax<
¿s¥W¿©@'¡ﬂ=ÜE±∑Hº