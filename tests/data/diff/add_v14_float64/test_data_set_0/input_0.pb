BaJ±B˜fXnô?DXjók
ü?