ByJ¶è¢AµƒÏA™u
A