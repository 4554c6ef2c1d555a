
BxJµB4®@V9s@ACq;Z:»CÍA¡?