BbiasJpK
À³¿™eð>S…†¾