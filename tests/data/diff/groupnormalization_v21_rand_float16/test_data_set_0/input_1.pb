
BscaleJç>rÁ