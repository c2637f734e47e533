"""OWSLib's OGC API - Features client against a sidelot server (server/tests/ogc.rs).

Usage: owslib_features.py ROOT_URL MINLON,MINLAT,MAXLON,MAXLAT
Prints one JSON object: the feature collections OWSLib lists, the queryables of
`parcels`, and numberMatched/numberReturned of a bbox query on each collection.
OWSLib raises on any answer that is not a 200.
"""

import json
import sys

from owslib.ogcapi.features import Features


def main() -> None:
    root, bbox = sys.argv[1], [float(v) for v in sys.argv[2].split(",")]
    api = Features(root)
    answer = {
        "collections": api.feature_collections(),
        "queryables": sorted(api.collection_queryables("parcels")["properties"]),
        "conformance": api.conformance()["conformsTo"],
    }
    for collection in ("parcels", "lots"):
        items = api.collection_items(collection, bbox=bbox)
        answer[collection] = {
            "numberMatched": items["numberMatched"],
            "numberReturned": items["numberReturned"],
        }
    json.dump(answer, sys.stdout)


if __name__ == "__main__":
    main()
