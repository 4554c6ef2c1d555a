
Bpresent_valueJ0kD	ÂB@ü»ô@ì8“>±¹ºG©FÂûÀ½½½G>È<zÂU½p>Vºöº@¿26Y;