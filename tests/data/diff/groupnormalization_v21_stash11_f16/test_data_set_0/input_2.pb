
BbiasJxCù©’9¡º