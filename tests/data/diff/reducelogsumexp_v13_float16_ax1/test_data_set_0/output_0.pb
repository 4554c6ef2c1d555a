
ByJ"BÊA+B