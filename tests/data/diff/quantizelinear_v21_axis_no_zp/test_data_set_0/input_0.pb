BxJ0พ
ซBp•ณBKฑ๔ยิ“ยj9๘@vw๘มห+ลย	Qภf4๖B"๊BlpรNาB