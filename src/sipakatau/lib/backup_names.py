"""What a backup file is called. Apart from ``lib.backup`` so that the health check can
find the newest backup without importing the backup machinery (sqlite3, tqdm, the
cipher) into every web worker."""

SUFFIX = ".sipbak"
