#!/usr/bin/env python3
"""Writes test/fixtures/face-splits/heldout-pairs.csv and heldout-labels.csv (paths relative to
test/fixtures): the held-out people of the face fixtures (every pair among Obama, Harington and
Leslie, as before) followed by dlib's johns. Per john, photos in file-name order: consecutive photos
form the genuine pairs (10 per person); photo i of each john against photo i of the next john (the
last against the first) forms the impostor pairs (11 per john)."""
import csv
import os

FIXTURES = os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'fixtures')
SPLITS = os.path.join(FIXTURES, 'face-splits')
HELD_OUT_PEOPLE = {'barack_obama', 'kit_harington', 'rose_leslie'}


def main():
    with open(os.path.join(FIXTURES, 'faces', 'labels.csv')) as f:
        face_labels = {row['file']: row['identity'] for row in csv.DictReader(f)}
    with open(os.path.join(FIXTURES, 'faces', 'pairs.csv')) as f:
        face_pairs = [
            (row['a'], row['b'], row['same'])
            for row in csv.DictReader(f)
            if face_labels[row['a']] in HELD_OUT_PEOPLE and face_labels[row['b']] in HELD_OUT_PEOPLE
        ]
    labels = {f'faces/{file}': identity for file, identity in face_labels.items() if identity in HELD_OUT_PEOPLE}
    pairs = [(f'faces/{a}', f'faces/{b}', same) for a, b, same in face_pairs]

    johns_dir = os.path.join(FIXTURES, 'johns')
    johns = sorted(d for d in os.listdir(johns_dir) if d.startswith('John_'))
    photos = {john: sorted(os.listdir(os.path.join(johns_dir, john))) for john in johns}
    for john in johns:
        for photo in photos[john]:
            labels[f'johns/{john}/{photo}'] = john.lower()
    for john in johns:
        files = photos[john]
        pairs += [(f'johns/{john}/{a}', f'johns/{john}/{b}', '1') for a, b in zip(files, files[1:])]
    for k, john in enumerate(johns):
        other = johns[(k + 1) % len(johns)]
        pairs += [(f'johns/{john}/{a}', f'johns/{other}/{b}', '0') for a, b in zip(photos[john], photos[other])]

    with open(os.path.join(SPLITS, 'heldout-pairs.csv'), 'w', newline='') as f:
        out = csv.writer(f, lineterminator='\n')
        out.writerow(['a', 'b', 'same'])
        out.writerows(pairs)
    with open(os.path.join(SPLITS, 'heldout-labels.csv'), 'w', newline='') as f:
        out = csv.writer(f, lineterminator='\n')
        out.writerow(['file', 'identity'])
        out.writerows(sorted(labels.items()))


if __name__ == '__main__':
    main()
