"""Sends CoT events to a TAK server address with pytak, as a TAK tool does.

Usage: send.py tcp://HOST:PORT COUNT

Each event is a hostile drone track (`a-h-A-M-F-Q`, 2525 "drone") near Kyiv,
made by pytak's own `gen_cot` and written by its `TXWorker` over the
connection `protocol_factory` opens. Exit status 3 when pytak is missing.
"""

import asyncio
import configparser
import sys

try:
    import pytak
except ImportError:
    print("pytak is not installed (pip install pytak)", file=sys.stderr)
    sys.exit(3)


async def main(url: str, count: int) -> None:
    config = configparser.ConfigParser()
    config["bulwark"] = {"COT_URL": url}
    section = config["bulwark"]
    _, writer = await pytak.protocol_factory(section)
    tx = pytak.TXWorker(asyncio.Queue(), section, writer)
    for i in range(count):
        event = pytak.gen_cot(
            lat=50.45 + i / 1000,
            lon=30.52,
            ce=35,
            hae=1200,
            le=20,
            uid=f"pytak-track-{i}",
            stale=300,
            cot_type="a-h-A-M-F-Q",
            callsign=f"TRACK-{i}",
        )
        await tx.send_data(event)
    writer.close()
    await writer.wait_closed()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2])))
