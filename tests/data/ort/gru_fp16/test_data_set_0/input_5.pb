
B	initial_hJ$W9é9i6L1“ª8Mπí3*¨k.„∂∏è∂ä6V∑c;x9á∏