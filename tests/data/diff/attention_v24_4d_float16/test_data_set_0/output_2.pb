
Bpresent_valueJ«4R<÷@9