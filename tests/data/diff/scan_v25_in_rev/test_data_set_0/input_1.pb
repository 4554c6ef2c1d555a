BxJ
เว?eภพTqภ
yt?hwuฟ]ฯ@